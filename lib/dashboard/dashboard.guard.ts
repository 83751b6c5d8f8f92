import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';
import { InjectRfsOptions } from '../rfs-options.provider';
import type { RfsModuleOptions } from '../rfs.options';
import { DashboardService } from './dashboard.service';

/**
 * Guards both dashboard routes: answers 404 when the dashboard is off (it is off in production
 * unless enabled explicitly), then runs the user's `dashboard.guard`. The user's guard is read
 * from the resolved options at request time, so it also works with `forRootAsync`; it is taken
 * from the container when registered there, else instantiated with its dependencies.
 */
@Injectable()
export class DashboardGuard implements CanActivate {
  private userGuard: Promise<CanActivate> | undefined;

  constructor(
    private readonly dashboard: DashboardService,
    @InjectRfsOptions() private readonly options: RfsModuleOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** See the class documentation. */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.dashboard.enabled) throw new NotFoundException();
    const d = this.options.dashboard;
    if (d === false || d.guard === undefined) return true;
    const guard = await (this.userGuard ??= this.resolve(d.guard));
    const verdict = guard.canActivate(context);
    return isObservable(verdict)
      ? lastValueFrom(verdict, { defaultValue: false })
      : verdict;
  }

  private async resolve(
    type: NonNullable<Exclude<RfsModuleOptions['dashboard'], false>['guard']>,
  ): Promise<CanActivate> {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return this.moduleRef.create(type);
    }
  }
}

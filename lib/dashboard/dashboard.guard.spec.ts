import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { of } from 'rxjs';
import { getRfsOptionsToken } from '../rfs-options.provider';
import { resolveRfsOptions, type RfsModuleOptionsInput } from '../rfs.options';
import { DashboardGuard } from './dashboard.guard';
import { DashboardService } from './dashboard.service';

@Injectable()
class Flag {
  allow = true;
}

/** A user guard with a dependency, answering with an Observable. */
@Injectable()
class ObservableGuard implements CanActivate {
  constructor(private readonly flag: Flag) {}
  canActivate() {
    return of(this.flag.allow);
  }
}

/** A user guard answering with a Promise, not registered in the container. */
class PromiseGuard implements CanActivate {
  static instances = 0;
  static calls = 0;
  constructor() {
    PromiseGuard.instances++;
  }
  async canActivate(): Promise<boolean> {
    PromiseGuard.calls++;
    return false;
  }
}

async function guardFor(input: RfsModuleOptionsInput) {
  const options = resolveRfsOptions({ metrics: false, ...input });
  const moduleRef = await Test.createTestingModule({
    providers: [
      DashboardGuard,
      Flag,
      ObservableGuard,
      { provide: getRfsOptionsToken(), useValue: options },
      {
        provide: DashboardService,
        useValue: {
          get enabled() {
            return input.environment !== 'production';
          },
        },
      },
    ],
  }).compile();
  return { guard: moduleRef.get(DashboardGuard), moduleRef };
}

const context = {} as ExecutionContext;

describe('DashboardGuard', () => {
  it('answers 404 when the dashboard is off', async () => {
    const { guard } = await guardFor({ environment: 'production' });
    await expect(guard.canActivate(context)).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  it('lets requests through without a user guard', async () => {
    const { guard } = await guardFor({});
    await expect(guard.canActivate(context)).resolves.toBe(true);
  });

  it('runs the user guard from the container (Observable verdict)', async () => {
    const { guard, moduleRef } = await guardFor({
      dashboard: { guard: ObservableGuard },
    });
    await expect(guard.canActivate(context)).resolves.toBe(true);
    moduleRef.get(Flag).allow = false;
    await expect(guard.canActivate(context)).resolves.toBe(false);
  });

  it('instantiates a user guard missing from the container once (Promise verdict)', async () => {
    const { guard } = await guardFor({ dashboard: { guard: PromiseGuard } });
    await expect(guard.canActivate(context)).resolves.toBe(false);
    await expect(guard.canActivate(context)).resolves.toBe(false);
    expect(PromiseGuard.calls).toBe(2);
    expect(PromiseGuard.instances).toBe(1);
  });
});

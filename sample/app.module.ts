import { Module } from '@nestjs/common';
import { RfsModule } from 'nestjs-rfs';

/** The sample's root module (grows into the orders service). */
@Module({
  imports: [RfsModule.forRoot({ serviceName: 'orders-sample' })],
})
export class AppModule {}

import type { INestApplication, INestMicroservice } from '@nestjs/common';
import {
  ClientProxyFactory,
  Transport,
  type ClientProxy,
  type TcpOptions,
} from '@nestjs/microservices';
import type { AddressInfo, Server as NetServer } from 'node:net';

/** TCP transport on a free 127.0.0.1 port. */
export const TCP_ON_FREE_PORT: TcpOptions = {
  transport: Transport.TCP,
  options: { host: '127.0.0.1', port: 0 },
};

/** A connected TCP client of a listening microservice. The caller closes it. */
export async function connectTcpClient(
  microservice: INestMicroservice,
): Promise<ClientProxy> {
  const { port } = microservice.unwrap<NetServer>().address() as AddressInfo;
  const client = ClientProxyFactory.create({
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port },
  });
  await client.connect();
  return client;
}

/**
 * Connects a TCP microservice on a free 127.0.0.1 port to `app`, starts it, runs
 * `app.init()` and returns a connected client. The caller closes the client, then the app.
 */
export async function startTcpMicroservice(
  app: INestApplication,
): Promise<ClientProxy> {
  const microservice = app.connectMicroservice(TCP_ON_FREE_PORT);
  await app.startAllMicroservices();
  await app.init();
  return connectTcpClient(microservice);
}

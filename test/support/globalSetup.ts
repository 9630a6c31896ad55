import { SHARED_JONGODB_ENV, startJongodb, type JongodbServer } from './jongodb';

declare global {
  var __helpdeskJongodb: JongodbServer | undefined;
}

/** Starts one jongodb server shared by every test file; its URI reaches the workers through the environment. */
export default async function globalSetup(): Promise<void> {
  const server = await startJongodb({ database: 'helpdesk_test' });
  globalThis.__helpdeskJongodb = server;
  process.env[SHARED_JONGODB_ENV] = server.uri;
}

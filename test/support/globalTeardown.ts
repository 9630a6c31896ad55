/** Stops the shared jongodb server, whether the tests passed or failed. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__helpdeskJongodb?.stop();
  globalThis.__helpdeskJongodb = undefined;
}

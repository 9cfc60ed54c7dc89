import { startTestStack, stopTestStack } from './test-stack';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    await startTestStack();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await stopTestStack();
  },
};

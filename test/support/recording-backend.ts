import type { CredentialsBackend } from '../../src/backend/credentials-backend.js';

/** A backend that records which methods were called and fails every call: for "makes no backend call" tests. */
export class RecordingBackend implements CredentialsBackend {
  readonly calls: string[] = [];

  private record(method: string): Promise<never> {
    this.calls.push(method);
    return Promise.reject(new Error(`RecordingBackend.${method} was called`));
  }

  getCredentials = () => this.record('getCredentials');
  generateKeys = () => this.record('generateKeys');
  revealSecret = () => this.record('revealSecret');
  resetSecret = () => this.record('resetSecret');
  listTerminals = () => this.record('listTerminals');
  generateToken = () => this.record('generateToken');
  refreshToken = () => this.record('refreshToken');
}

import { ConfigError, loadConfig } from '../../src/config';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.variable}: ${p.message}`);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('Teams agent settings', () => {
  it('default to no pinned teams and no hub handoff', () => {
    expect(loadConfig({}).teams).toEqual({ helpdeskTeamId: undefined, securityTeamId: undefined, handoffToHub: false });
    expect(loadConfig({ HELPDESK_TEAM_ID: ' ', HANDOFF_TO_HUB: '' }).teams.handoffToHub).toBe(false);
  });

  it('accept thread ids and group ids, and HANDOFF_TO_HUB=true', () => {
    const c = loadConfig({
      HELPDESK_TEAM_ID: '19:abcDEF123_-x@thread.tacv2',
      SECURITY_TEAM_ID: '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
      HANDOFF_TO_HUB: 'true',
    });
    expect(c.teams).toEqual({
      helpdeskTeamId: '19:abcDEF123_-x@thread.tacv2',
      securityTeamId: '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
      handoffToHub: true,
    });
  });

  it('read ALLOWED_TENANT_IDS as lower-case GUIDs; empty allows any tenant', () => {
    expect(loadConfig({}).allowedTenantIds).toEqual([]);
    expect(loadConfig({ ALLOWED_TENANT_IDS: ' 0F1E2D3C-4B5A-6978-8A9B-0C1D2E3F4A5B , 11111111-2222-3333-4444-555555555555' }).allowedTenantIds).toEqual([
      '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
      '11111111-2222-3333-4444-555555555555',
    ]);
    expect(problemsOf({ ALLOWED_TENANT_IDS: '11111111-2222-3333-4444-555555555555,contoso.onmicrosoft.com' })).toEqual([
      'ALLOWED_TENANT_IDS: expects comma-separated Entra tenant ids (GUIDs); entry 2 of 2 is not a GUID',
    ]);
  });

  it('report bad values together', () => {
    expect(problemsOf({ HELPDESK_TEAM_ID: 'helpdesk', SECURITY_TEAM_ID: '19:x', HANDOFF_TO_HUB: 'yes' })).toEqual([
      expect.stringMatching(/^HELPDESK_TEAM_ID: expects a Teams team id/),
      expect.stringMatching(/^SECURITY_TEAM_ID: expects a Teams team id/),
      'HANDOFF_TO_HUB: expects true or false',
    ]);
  });

  it('refuse the same team for the helpdesk and the security team', () => {
    expect(problemsOf({ HELPDESK_TEAM_ID: '19:same@thread.tacv2', SECURITY_TEAM_ID: '19:same@thread.tacv2' })).toEqual([
      'SECURITY_TEAM_ID: must name a different team than HELPDESK_TEAM_ID',
    ]);
  });
});

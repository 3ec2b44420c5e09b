// Both of Sumo Logic's error shapes, and bodies that are neither, become one readable error.
import { describe, expect, it } from 'vitest';
import { parseSumoError, SumoDeploymentError } from '../../activities/sla/sumo/errors.ts';
import { coerceRecord } from '../../activities/sla/sumo/client.ts';
import { CookieJar } from '../../activities/sla/sumo/cookies.ts';

describe('parseSumoError', () => {
  it('reads the flat shape of search jobs', () => {
    const error = parseSumoError(
      400,
      JSON.stringify({ status: 400, id: 'ABC', code: 'searchjob.invalid.timestamp.from', message: 'The from field is invalid' }),
    );
    expect(error).toMatchObject({ status: 400, code: 'searchjob.invalid.timestamp.from', requestId: 'ABC' });
    expect(error.message).toContain('The from field is invalid');
  });

  it('reads the errors-array shape of the management APIs', () => {
    const error = parseSumoError(
      404,
      JSON.stringify({ id: 'XYZ', errors: [{ code: 'dashboard:not_found', message: 'Dashboard not found', detail: 'id 42' }] }),
    );
    expect(error).toMatchObject({ status: 404, code: 'dashboard:not_found', requestId: 'XYZ' });
    expect(error.message).toContain('Dashboard not found — id 42');
  });

  it('survives HTML, empty and odd bodies', () => {
    expect(parseSumoError(502, '<html>Bad gateway</html>')).toMatchObject({ code: 'http.502' });
    expect(parseSumoError(500, '')).toMatchObject({ code: 'http.500', message: expect.stringContaining('no response body') });
    expect(parseSumoError(500, 'null')).toMatchObject({ code: 'http.500' });
  });

  it('names the right deployment when Sumo redirects', () => {
    const error = new SumoDeploymentError('https://api.sumologic.com/api/', 'https://api.eu.sumologic.com/api/v1/search/jobs');
    expect(error.message).toContain('https://api.eu.sumologic.com/api/');
  });
});

describe('Sumo values', () => {
  it('turns numeric strings into numbers and leaves the rest', () => {
    expect(coerceRecord({ namespace: 'fl-1', value: '0.25', _count: '12', empty: '', label: '1e3x' })).toEqual({
      namespace: 'fl-1',
      value: 0.25,
      _count: 12,
      empty: '',
      label: '1e3x',
    });
  });

  it('keeps cookies and replays them', () => {
    const jar = new CookieJar();
    const headers = new Headers();
    headers.append('set-cookie', 'JSESSIONID=abc; Path=/; HttpOnly');
    headers.append('set-cookie', 'AWSELB=xyz; Path=/');
    jar.store(headers);
    expect(jar.header()).toBe('JSESSIONID=abc; AWSELB=xyz');
  });
});

import { SimulationState } from './simulation-state';

describe('SimulationState', () => {
  it('ends a timed outage by itself when its time is up, and keeps an open one until up()', () => {
    let now = 1_000;
    const state = new SimulationState(() => now);
    expect(state.down('land', 500)).toMatchObject({ down: true, downUntil: 1_500 });
    now = 1_499;
    expect(state.current('land').down).toBe(true);
    now = 1_500;
    expect(state.current('land')).toMatchObject({ down: false, downUntil: null });

    state.down('land');
    now = 1_000_000;
    expect(state.current('land').down).toBe(true);
    expect(state.current('business').down).toBe(false);
    expect(state.up('land').down).toBe(false);
  });

  it('resets every system and keeps counters per system', () => {
    const state = new SimulationState(() => 0);
    state.change('insurance', { latencyMs: 100, errorRate: 0.5, garbage: true });
    state.down('population');
    state.count('insurance', 'calls');
    const reset = state.reset();
    expect(reset.insurance).toEqual({ down: false, downUntil: null, latencyMs: 0, errorRate: 0, garbage: false, allowedIps: null, agencyIds: null });
    expect(reset.population.down).toBe(false);
    expect(state.stats().insurance.calls).toBe(1);
    expect(state.stats().population.calls).toBe(0);
  });

  it('starts every system with the access lists it is given, changes them per system, and resets to them', () => {
    const state = new SimulationState(() => 0, { allowedIps: ['127.0.0.1'], agencyIds: null });
    expect(state.current('land')).toMatchObject({ allowedIps: ['127.0.0.1'], agencyIds: null });
    state.change('land', { allowedIps: null, agencyIds: ['000.00.00.H56'] });
    expect(state.current('land')).toMatchObject({ allowedIps: null, agencyIds: ['000.00.00.H56'] });
    expect(state.current('business')).toMatchObject({ allowedIps: ['127.0.0.1'], agencyIds: null });
    // What a reader gets is a copy: changing it changes nothing.
    state.current('business').allowedIps!.push('10.0.0.1');
    expect(state.current('business').allowedIps).toEqual(['127.0.0.1']);
    expect(state.reset().land).toMatchObject({ allowedIps: ['127.0.0.1'], agencyIds: null });
  });
});

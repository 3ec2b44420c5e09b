// travel-logic flights: offers between two airports (GET /flights?from=LIS&to=BER).
import { stableFraction } from '../runtime/travel-data.ts';
import { HttpError, runService } from '../runtime/server.ts';

await runService({
  name: 'flights',
  routes: [
    {
      method: 'GET',
      path: '/flights',
      handler: async ({ query }) => {
        const from = query.get('from');
        const to = query.get('to');
        if (!from || !to) throw new HttpError(400, 'from and to are required');
        const flights = [6, 11, 17].map((hour) => ({
          id: `${from}-${to}-${hour}`,
          from,
          to,
          departs: `${String(hour).padStart(2, '0')}:${Math.floor(stableFraction(`${from}${to}${hour}m`) * 6)}0`,
          price: Math.round(80 + stableFraction(`${from}${to}${hour}`) * 400),
        }));
        return { body: { flights } };
      },
    },
  ],
});

// travel-logic hotels: rooms in a city (GET /hotels?city=LIS).
import { stableFraction } from '../runtime/travel-data.ts';
import { HttpError, runService } from '../runtime/server.ts';

const NAMES = ['Harbour View', 'Old Town Inn', 'Station Hotel'];

await runService({
  name: 'hotels',
  routes: [
    {
      method: 'GET',
      path: '/hotels',
      handler: async ({ query }) => {
        const city = query.get('city');
        if (!city) throw new HttpError(400, 'city is required');
        const hotels = NAMES.map((name, i) => ({
          id: `${city}-${i}`,
          city,
          name,
          pricePerNight: Math.round(60 + stableFraction(`${city}${name}`) * 240),
        }));
        return { body: { hotels } };
      },
    },
  ],
});

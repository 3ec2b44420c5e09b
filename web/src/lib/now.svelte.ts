// A reactive "now" that ticks while the component that created it is mounted.
export class Now {
  value = $state(Date.now());

  /** Must be constructed during component initialisation (it registers an effect). */
  constructor(intervalMs = 1000) {
    $effect(() => {
      this.value = Date.now();
      const timer = setInterval(() => (this.value = Date.now()), intervalMs);
      return () => clearInterval(timer);
    });
  }
}

// A tag that was never pushed: the new pods cannot pull their image (ErrImagePull, then ImagePullBackOff).
import { containerFault } from './container-fault.ts';

export const nonexistentImage = containerFault('nonexistent-image', ['image'], (container, { image }) => {
  container.image = image;
  return `container ${container.name} image set to ${image}`;
});

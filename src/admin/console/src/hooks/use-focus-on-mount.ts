/**
 * A step that replaces the one before it takes the focus on its heading: keyboard users continue from
 * there and screen readers announce the new step (the old one, and the focused button, are gone).
 */
import { useEffect, useRef } from 'preact/hooks';

export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

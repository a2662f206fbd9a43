import { useLayoutEffect, useRef } from 'preact/hooks';
import { isScrolledToBottom } from './live-output.js';

interface Props {
  text: string;
  /** The accessible name (what tests and screen readers find it by). */
  label: string;
  class?: string;
}

/**
 * A pre.output for text that grows (live script output): it keeps its end in view as text is
 * added, until the reader scrolls up to read something, and follows again once they scroll back
 * to the end.
 */
export function FollowingOutput({ text, label, class: className = 'output' }: Props) {
  const box = useRef<HTMLPreElement>(null);
  const following = useRef(true);
  useLayoutEffect(() => {
    const el = box.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [text]);
  const onScroll = (event: Event) => {
    following.current = isScrolledToBottom(event.currentTarget as HTMLElement);
  };
  return <pre ref={box} class={className} aria-label={label} onScroll={onScroll}>{text}</pre>;
}

import { useLayoutEffect, useRef, useState, type RefObject } from 'react';

const NEAR_BOTTOM_PX = 24;

export interface StickToBottom {
  /** The scrolling element. */
  scrollRef: RefObject<HTMLDivElement | null>;
  onScroll: () => void;
  /** Whether the view is at (or near) the newest line. */
  atBottom: boolean;
  /** Follow the newest line again from the next change on. */
  stick: () => void;
  /** Stop following (e.g. to keep a search match in view). */
  release: () => void;
  /** Scroll to the newest line now and keep following it. */
  scrollToBottom: () => void;
}

/**
 * Keeps a scrolling view on its newest content whenever `content` changes — unless the user
 * scrolled up to read, until they come back down (or `stick` / `scrollToBottom` is called).
 */
export function useStickToBottom(content: unknown): StickToBottom {
  const scrollRef = useRef<HTMLDivElement>(null);
  // A ref, not state: the layout effect must see a scroll made in the same frame.
  const stickRef = useRef(true);
  const [atBottom, setAtBottom] = useState(true);

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element && stickRef.current) element.scrollTop = element.scrollHeight;
  }, [content]);

  const onScroll = () => {
    const element = scrollRef.current;
    if (!element) return;
    const bottom =
      element.scrollHeight - element.scrollTop - element.clientHeight <= NEAR_BOTTOM_PX;
    stickRef.current = bottom;
    setAtBottom(bottom);
  };

  const scrollToBottom = () => {
    stickRef.current = true;
    setAtBottom(true);
    const element = scrollRef.current;
    if (element) element.scrollTop = element.scrollHeight;
  };

  return {
    scrollRef,
    onScroll,
    atBottom,
    stick: () => {
      stickRef.current = true;
    },
    release: () => {
      stickRef.current = false;
    },
    scrollToBottom,
  };
}

// Test helpers for the specs: a widget as the backend answers it, and reading a rendered board.
import type { Widget } from './widget';

export const widget = (name: string, region = 'all'): Widget => ({
  name,
  title: name.toUpperCase(),
  value: name.length,
  unit: 'u',
  region,
});

/** The progress text, the cards in order (`name` or `name:error`), the names still waiting. */
export function readBoard(el: HTMLElement): {
  progress: string;
  cards: string[];
  waiting: string[];
} {
  return {
    progress: el.querySelector('.progress .count')?.textContent?.trim() ?? '',
    cards: [...el.querySelectorAll<HTMLElement>('.card[data-name]')].map((c) => {
      const error = c.querySelector('.error')?.textContent?.trim();
      return error ? `${c.dataset['name']}:${error}` : c.dataset['name']!;
    }),
    waiting: [...el.querySelectorAll<HTMLElement>('.card[data-waiting]')].map(
      (c) => c.dataset['waiting']!,
    ),
  };
}

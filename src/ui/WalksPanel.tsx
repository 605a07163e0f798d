// Three ways to walk the latent space and see what the decoder makes of it: a grid of decoded
// images over the visible map, a straight line between two codes, and one slider per dimension.
// All three views stay mounted, so a chosen grid size or interpolation end survives a tab switch;
// only the visible one decodes.
import { useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { ManifoldGrid } from './ManifoldGrid';
import { InterpolationStrip } from './InterpolationStrip';
import { LatentSliders } from './LatentSliders';
import './walksPanel.css';

type WalkTab = 'grid' | 'interpolate' | 'sliders';

const TABS: readonly { id: WalkTab; label: string }[] = [
  { id: 'grid', label: 'Grid' },
  { id: 'interpolate', label: 'Interpolate' },
  { id: 'sliders', label: 'Sliders' },
];

export function WalksPanel() {
  const [selected, setSelected] = useState<WalkTab>('grid');
  const tabRefs = useRef<Partial<Record<WalkTab, HTMLButtonElement | null>>>({});

  // Arrow keys move between tabs (and select them), as the ARIA tabs pattern expects.
  const onTabKey = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const at = TABS.findIndex((tab) => tab.id === selected);
    const moves: Record<string, number> = {
      ArrowRight: (at + 1) % TABS.length,
      ArrowLeft: (at - 1 + TABS.length) % TABS.length,
      Home: 0,
      End: TABS.length - 1,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const tab = TABS[next].id;
    setSelected(tab);
    tabRefs.current[tab]?.focus();
  };

  return (
    <section className="panel walks" aria-labelledby="walks-title">
      <h2 id="walks-title">Walk the latent space</h2>
      <div className="walks-tabs" role="tablist" aria-labelledby="walks-title" onKeyDown={onTabKey}>
        {TABS.map((tab) => (
          <button
            key={tab.id}
            ref={(element) => {
              tabRefs.current[tab.id] = element;
            }}
            type="button"
            role="tab"
            id={`walks-tab-${tab.id}`}
            aria-selected={selected === tab.id}
            aria-controls={`walks-panel-${tab.id}`}
            tabIndex={selected === tab.id ? 0 : -1}
            className="walks-tab"
            onClick={() => setSelected(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {TABS.map((tab) => (
        <div
          key={tab.id}
          role="tabpanel"
          id={`walks-panel-${tab.id}`}
          aria-labelledby={`walks-tab-${tab.id}`}
          className="walks-body"
          hidden={selected !== tab.id}
        >
          {tab.id === 'grid' ? <ManifoldGrid active={selected === 'grid'} /> : null}
          {tab.id === 'interpolate' ? <InterpolationStrip active={selected === 'interpolate'} /> : null}
          {tab.id === 'sliders' ? <LatentSliders active={selected === 'sliders'} /> : null}
        </div>
      ))}
    </section>
  );
}

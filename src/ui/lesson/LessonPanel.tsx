// The lesson: which step of the guide this is, what to look at, and Previous / Next.
import { useEffect } from 'react';
import { LESSON_STEPS } from '../../lesson/steps';
import { useAppState, useController } from '../controllerContext';
import { AutoencoderFigure } from './AutoencoderFigure';
import { selectApplicationsTab } from './applyStep';
import { closeLesson, goToStep, moveInLesson, useDeclinedStep } from './navigation';
import './lesson.css';

export function LessonPanel() {
  const controller = useController();
  const index = useAppState((state) => state.classroom.lessonStep);
  const declined = useDeclinedStep();
  const step = index === null ? null : LESSON_STEPS[index];
  const tab = step?.setup.applicationsTab;

  // Select the step's Applications tab; the panel may mount a little later than the step.
  useEffect(() => {
    if (!tab) return;
    let tries = 0;
    const timer = window.setInterval(() => {
      if (selectApplicationsTab(tab) || ++tries > 20) window.clearInterval(timer);
    }, 100);
    return () => window.clearInterval(timer);
  }, [tab, index]);

  if (index === null || !step) return null;
  return (
    <section className="panel lesson" aria-labelledby="lesson-title" aria-roledescription="lesson step">
      {/* The words scroll inside the card when a small screen is short of room; the buttons stay in view. */}
      <div className="lesson-body" role="group" tabIndex={0} aria-labelledby="lesson-title">
        <p className="lesson-count">
          Step {index + 1} of {LESSON_STEPS.length} · {step.section}
        </p>
        <h2 id="lesson-title">{step.title}</h2>
        <p className="lesson-text">{step.text}</p>
        {step.figure ? <AutoencoderFigure showSizes={step.figure === 'bottleneck'} /> : null}
        {tab ? <p className="lesson-note">This step uses the Applications panel, tab “{tab}”.</p> : null}
        {declined === index ? (
          <p className="lesson-note">
            Your model was kept, so the app is not set up for this step.{' '}
            <button type="button" onClick={() => void goToStep(controller, index)}>
              Set up this step
            </button>
          </p>
        ) : null}
      </div>
      <div className="lesson-buttons">
        <button type="button" onClick={() => moveInLesson(controller, -1)} disabled={index === 0}>
          Previous
        </button>
        <button type="button" className="primary" onClick={() => moveInLesson(controller, 1)} disabled={index === LESSON_STEPS.length - 1}>
          Next
        </button>
        <button type="button" className="lesson-close" onClick={() => closeLesson(controller)}>
          Close lesson
        </button>
      </div>
    </section>
  );
}

// Entry point: one controller for the page's lifetime, the built-in digits, and the React tree.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppController } from './state/controller';
import { BUILT_IN_MNIST_PATH } from './data/packedDataset';
import { ControllerContext } from './ui/controllerContext';
import { App } from './ui/App';
import './styles.css';

const controller = new AppController();
void controller.loadBuiltInData(new URL(BUILT_IN_MNIST_PATH, document.baseURI).href);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ControllerContext.Provider value={controller}>
      <App />
    </ControllerContext.Provider>
  </StrictMode>,
);

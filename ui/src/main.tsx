import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n';
import './kit/theme.css';
import './shell/console.css';
import { App } from './shell/App';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

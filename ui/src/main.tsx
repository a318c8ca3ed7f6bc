import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n';
import './console/theme.css';
import './console/console.css';
import { App } from './console/App';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

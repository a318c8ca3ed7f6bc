import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import i18n from '../i18n';
import '../renderer/renderer.css';
import './subscriber.css';
import { accountIdFromPath, createApi } from './api';
import { SubscriberApp } from './App';
import { languageFor } from './language';

void i18n.changeLanguage(languageFor(navigator.language));

const root = document.getElementById('root');
const accountId = accountIdFromPath(window.location.pathname);
const api = accountId === null ? null : createApi(accountId);
if (root) {
  createRoot(root).render(<StrictMode>{api === null ? <NoAccount /> : <SubscriberApp api={api} />}</StrictMode>);
}

function NoAccount() {
  return (
    <div className="sub-app sub-center" role="alert">
      <p>{i18n.t('subscriber.noAccount')}</p>
    </div>
  );
}

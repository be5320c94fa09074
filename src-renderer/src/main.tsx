// Renderer entry: mounts the app. CSS comes in as a file (the CSP forbids inline <style>).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { applyTheme, loadTheme } from './lib/theme';
import './styles.css';

// Before the first render, so the page never flashes the other theme.
applyTheme(loadTheme());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

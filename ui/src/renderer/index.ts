// The shared layout renderer: the console's phone mock and the subscriber web
// app draw the function view with these. Styles: import './renderer.css'.
export { FunctionView, type FunctionViewProps } from './FunctionView';
export { BottomMenu, type BottomMenuProps } from './BottomMenu';
export { DEFAULT_SAMPLE, fill, fillAction, fillUrl, httpsUrl, httpsHost } from './template';
export { issuesAt } from './issues';
export { PhoneFrame, ChatBubble } from './PhoneFrame';

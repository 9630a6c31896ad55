/**
 * Helpdesk tickets: the model, the priority rules, the service dialogs and the agents' API
 * call, and the notifier port through which channels hear about changes.
 */
export * from './model';
export * from './errors';
export * from './notifier';
export * from './priority';
export * from './redaction';
export * from './securityWebhook';
export * from './ticketService';

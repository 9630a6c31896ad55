/* The web chat page: gets a Direct Line token from the bot and renders the stock Web Chat client. */
(function () {
  'use strict';

  var status = document.getElementById('chat-status');
  var host = document.getElementById('webchat');

  function showStatus(text, isError) {
    status.textContent = text;
    status.className = isError ? 'chat-status is-error' : 'chat-status';
  }

  var styleOptions = {
    accent: '#005eb8',
    primaryFont: 'Arial, Helvetica, sans-serif',
    backgroundColor: '#ffffff',
    subtle: '#4c6272',
    bubbleBackground: '#f0f4f5',
    bubbleBorderColor: '#d8dde0',
    bubbleBorderRadius: 4,
    bubbleTextColor: '#212b32',
    bubbleFromUserBackground: '#005eb8',
    bubbleFromUserBorderColor: '#005eb8',
    bubbleFromUserBorderRadius: 4,
    bubbleFromUserTextColor: '#ffffff',
    suggestedActionBackgroundColor: '#ffffff',
    suggestedActionBorderColor: '#005eb8',
    suggestedActionTextColor: '#005eb8',
    suggestedActionBorderRadius: 4,
    suggestedActionLayout: 'flow',
    sendBoxTextColor: '#212b32',
    sendBoxPlaceholderColor: '#4c6272',
    sendBoxButtonColor: '#005eb8',
    sendBoxBorderTop: 'solid 1px #d8dde0',
    hideUploadButton: true,
    botAvatarInitials: 'MFA',
    botAvatarBackgroundColor: '#005eb8',
    userAvatarInitials: 'You',
    userAvatarBackgroundColor: '#003087',
    timestampColor: '#4c6272',
    transcriptVisualKeyboardIndicatorColor: '#212b32',
    transcriptVisualKeyboardIndicatorWidth: 3,
  };

  function start() {
    if (!window.WebChat) {
      showStatus('The chat could not be loaded. Please reload the page, or call the helpdesk on 0333 200 1133.', true);
      return;
    }
    fetch('/api/directline/token', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (issued) {
        var directLine = window.WebChat.createDirectLine({ domain: new URL(issued.domain, window.location.href).href, token: issued.token });
        window.WebChat.renderWebChat(
          {
            directLine: directLine,
            userID: issued.userId,
            locale: 'en-GB',
            styleOptions: styleOptions,
          },
          host,
        );
        showStatus('');
        var sendBox = host.querySelector('input[type="text"], textarea');
        if (sendBox && !sendBox.getAttribute('aria-label')) sendBox.setAttribute('aria-label', 'Type your message');
      })
      .catch(function () {
        showStatus('The chat could not be started. Please try again in a moment, or call the helpdesk on 0333 200 1133.', true);
      });
  }

  start();
})();

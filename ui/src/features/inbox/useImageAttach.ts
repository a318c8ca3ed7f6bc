import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pickOpenPath, sendImage, type ThreadMessage } from '../../platform';
import { asAppError, describeError } from '../../kit/errors';

/** What the file dialog offers; the core decides by the file's bytes, not its name. */
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'webp'];

/**
 * Picks an image file and sends it as a reply, one pick at a time, each with
 * a fresh client id. A refused file is reported through `onError` with its reason.
 */
export function useImageAttach(
  conversationId: string,
  onSent: (message: ThreadMessage) => void,
  onError: (message: string) => void,
) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  // A second Alt+A while the dialog is open or the image is on its way does nothing.
  const inFlight = useRef(false);

  const attach = async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    try {
      const path = await pickOpenPath([{ name: t('inbox.composer.imageFilter'), extensions: IMAGE_EXTENSIONS }]);
      if (path === null) return;
      onSent(await sendImage(conversationId, path, crypto.randomUUID()));
    } catch (e: unknown) {
      onError(t('inbox.composer.imageFailed', { reason: describeError(t, asAppError(e)) }));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };
  return { attach, busy };
}

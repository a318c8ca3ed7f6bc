-- When a broadcast's Alipay label may be deleted (`alipay::mass`): its
-- `message.label.send` is delivered some time after the call ("请求成功后
-- 一段时间用户才能收到"), so the label is kept for a delivery period after
-- the send and deleted afterwards, by the next sweep or before the account's
-- next label is made. NULL while the broadcast still uses it. A delete that
-- fails leaves `deleted` 0: the label is tried again later.
ALTER TABLE broadcast_labels ADD COLUMN delete_after INTEGER;

-- Labels of broadcasts that ended before this migration whose delete failed:
-- due at once.
UPDATE broadcast_labels SET delete_after = 0
  WHERE deleted = 0
    AND broadcast_id IN (SELECT id FROM broadcasts WHERE status IN ('done', 'cancelled'));

CREATE INDEX broadcast_labels_due ON broadcast_labels (delete_after)
  WHERE deleted = 0 AND delete_after IS NOT NULL;

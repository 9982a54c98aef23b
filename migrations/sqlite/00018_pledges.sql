-- Pledges (认捐, issue 12 item 6) and gift receipts (捐赠收据).
--
-- A signed-in resident or merchant pledges an amount to an open campaign and says how they
-- will pay (cash at the office, or a bank transfer with a reference). A worker who takes the
-- money records it as an offline contribution linked to the donor's user (contribution_id);
-- a second person confirms that contribution as any offline gift. The pledge itself moves no
-- money: the ledger and the match are posted only by the contribution's confirmation.
--
-- Every succeeded contribution gets an unguessable receipt code (12 random bytes, 24 hex
-- digits) that anyone may check on /receipts/verify. Gifts that succeeded before this
-- migration get one here, except gifts whose stored amounts broke before the money bounds
-- (00008: `wushe funds check` names them); updating such a row would fail its CHECK.

-- +goose Up
CREATE TABLE pledges (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id      INTEGER NOT NULL REFERENCES campaigns(id),
    fund_id          INTEGER NOT NULL REFERENCES funds(id),
    user_id          INTEGER NOT NULL REFERENCES users(id),
    amount           INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount >= 1 AND amount <= 10000000000),
    currency         TEXT NOT NULL DEFAULT 'CNY' CHECK (currency IN ('CNY')),
    method           TEXT NOT NULL CHECK (method IN ('cash', 'bank_transfer')),
    reference        TEXT NOT NULL DEFAULT '',
    anonymous        BOOLEAN NOT NULL DEFAULT FALSE,
    note             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'pledged' CHECK (status IN ('pledged', 'received', 'confirmed', 'cancelled', 'rejected')),
    contribution_id  INTEGER UNIQUE REFERENCES contributions(id),
    received_by      INTEGER REFERENCES users(id),
    reject_reason    TEXT NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    closed_at        DATETIME,
    CHECK ((status IN ('received', 'confirmed')) = (contribution_id IS NOT NULL))
);
CREATE INDEX pledges_campaign_idx ON pledges (campaign_id, status);
CREATE INDEX pledges_user_idx ON pledges (user_id, id);

ALTER TABLE contributions ADD COLUMN receipt_code TEXT;
CREATE UNIQUE INDEX contributions_receipt_code_idx ON contributions (receipt_code);
UPDATE contributions SET receipt_code = upper(hex(randomblob(12))) WHERE succeeded_at IS NOT NULL
    AND typeof(amount) = 'integer' AND amount BETWEEN 1 AND 10000000000 AND refunded BETWEEN 0 AND 10000000000;

-- +goose Down
DROP INDEX contributions_receipt_code_idx;
ALTER TABLE contributions DROP COLUMN receipt_code;
DROP TABLE pledges;

package com.aicredits.ledger;

public enum EntryType {
    PURCHASE, ASSIGN, ADD, REMOVE, AUTHORIZE, SETTLE, VOID, EXPIRE, CHARGE
}

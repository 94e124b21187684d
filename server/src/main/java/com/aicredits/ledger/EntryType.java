package com.aicredits.ledger;

public enum EntryType {
    PURCHASE, ASSIGN, ADD, REMOVE, END, AUTHORIZE, SETTLE, VOID, EXPIRE, CHARGE, ALLOWANCE
}

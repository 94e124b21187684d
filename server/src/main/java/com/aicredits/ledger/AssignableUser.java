package com.aicredits.ledger;

import com.aicredits.shared.UserId;





/** A registered, active user without an active allocation: who the "Assign User" dialog offers. */
public record AssignableUser(UserId userId, String name, String email) {
}

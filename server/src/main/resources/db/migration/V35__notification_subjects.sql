-- What a notification is about, where it can be settled by someone else: a credit request, whose notices to every
-- admin are marked read once one of them decides it (they kept saying "X asks for N credits" after it was decided).
alter table notifications add column subject uuid;

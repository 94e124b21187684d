-- The Canvas, the reference AI feature: a user's conversations with the model, each answer with the
-- request id it was charged under and what it cost.
create table conversations (
    tenant_id   uuid        not null,
    id          uuid        not null,
    user_id     uuid        not null,
    title       text        not null check (length(title) between 1 and 200),
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references users (tenant_id, id)
);
create index conversations_by_user on conversations (tenant_id, user_id, updated_at desc);

create table conversation_messages (
    tenant_id        uuid        not null,
    id               bigint      generated always as identity,
    conversation_id  uuid        not null,
    author           text        not null check (author in ('user', 'assistant')),
    content          text        not null check (length(content) <= 20000),
    cost             bigint      check (cost >= 0),
    request_id       text,
    created_at       timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id)
);
create index conversation_messages_in_order on conversation_messages (tenant_id, conversation_id, id);

"""Admin pages (管理员 only): users, wall tokens, audit log, node rules. Pure layouts; callbacks/admin fills them."""

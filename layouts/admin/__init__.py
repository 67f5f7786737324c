"""Admin pages (管理员 only): users, wall tokens, audit log. Pure layouts; callbacks/admin fills them."""

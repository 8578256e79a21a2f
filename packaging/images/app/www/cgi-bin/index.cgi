#!/bin/sh
# busybox httpd runs this for "/" and for directory URLs such as /burn/ (httpd redirects /burn to
# /burn/ because /www/burn is a directory: busybox httpd cannot map an extension-less URL to a CGI).
case "$REQUEST_URI" in
  /burn*) exec /www/cgi-bin/burn ;;
esac
printf 'Content-Type: text/plain\r\n\r\n'
printf 'Hello from %s (version %s)\n' "$(hostname)" "${APP_VERSION:-unknown}"

# Builds and installs sysctl-lint for people without a Swift toolchain on the target host:
#   make install PREFIX=/usr/local        (DESTDIR for packaging)
# The binary links the Swift runtime statically (--static-swift-stdlib), so it needs only glibc on the host.
PREFIX  ?= /usr/local
DESTDIR ?=
SWIFT   ?= swift
BINDIR   = $(DESTDIR)$(PREFIX)/bin
MANDIR   = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR  = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR   = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR  = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
# A scratch path of its own: SwiftPM does not relink a product when only the link flags change.
STATIC   = $(SWIFT) build -c release --static-swift-stdlib --product sysctl-lint --scratch-path .build/static
BIN      = .build/static/release/sysctl-lint
MAN      = .build/plugins/GenerateManual/outputs/sysctl-lint/sysctl-lint.1

.PHONY: all build man install uninstall test
all: build

build:
	$(STATIC)

# The manual plugin builds its own (dynamically linked) copy in .build.
man:
	$(SWIFT) package plugin generate-manual --configuration release >/dev/null
	awk '/^\.Sh "EXIT STATUS"/ { while ((getline line < "docs/man-examples.mdoc") > 0) print line } { print }' $(MAN) > $(MAN).tmp && mv $(MAN).tmp $(MAN)

install: build man
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR)
	install -m 0755 $(BIN) $(BINDIR)/sysctl-lint
	strip $(BINDIR)/sysctl-lint
	install -m 0644 $(MAN) $(MANDIR)/sysctl-lint.1
	$(BINDIR)/sysctl-lint --generate-completion-script bash > $(BASHDIR)/sysctl-lint
	$(BINDIR)/sysctl-lint --generate-completion-script zsh > $(ZSHDIR)/_sysctl-lint
	$(BINDIR)/sysctl-lint --generate-completion-script fish > $(FISHDIR)/sysctl-lint.fish

uninstall:
	rm -f $(BINDIR)/sysctl-lint $(MANDIR)/sysctl-lint.1 $(BASHDIR)/sysctl-lint $(ZSHDIR)/_sysctl-lint $(FISHDIR)/sysctl-lint.fish

test:
	$(SWIFT) test

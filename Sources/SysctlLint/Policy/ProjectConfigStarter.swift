extension ProjectConfig {
    /// What `sysctl-lint init` writes: every setting, commented out with its meaning, so the file documents itself.
    /// A test loads it, so it cannot fall behind the loader.
    public static let starter = """
        # sysctl-lint project settings. sysctl-lint uses the nearest .sysctl-lint.yaml in the folder of the first
        # file it checks or above (up to the repository root); --config FILE picks one, --no-config ignores it.
        # Command-line options win over this file. Paths here are relative to this file's folder.

        # The kernel the configuration is for (default: a snapshot's kernel.osrelease, else the newest known).
        # kernel: "6.8"

        # Whose rules decide which files of a --root tree apply: systemd (systemd-sysctl) or procps (sysctl --system).
        # loader: systemd

        # Exit 1 when a finding is at least this severe: error, warning, info or none.
        # fail-level: warning

        # Report only these rules. An entry is a rule id, or a prefix that ends where a '-' follows
        # ("tcp-keepalive" selects tcp-keepalive-time-short, tcp-keepalive-close-wait and the other
        # tcp-keepalive-… rules; "tcp-retries" selects nothing, since no id continues "tcp-retries-"); "all" is every rule.
        # select: [all]

        # Never report these rules (ids or prefixes, as above).
        # ignore:
        #   - tcp-slow-start-after-idle-off

        # Rules not reported in matching files (* and ? within a folder name, ** across folders).
        # per-path-ignores:
        #   "vendor/**/*.conf": [vendor-key, unknown-key]

        # Report a rule with another severity: error, warning or info.
        # severity:
        #   tcp-tw-reuse-scope: warning

        # Extra rule files or folders of *.yaml rules (see rules/README.md in the sysctl-lint repository).
        # rules:
        #   - sysctl-rules/

        """
}

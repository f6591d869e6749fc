{ config, lib, pkgs, ... }:
{
  # Kernel tuning for the build hosts
  boot.kernel.sysctl = {
    "net.core.somaxconn" = 512;
    "net.ipv4.tcp_keepalive_time" = lib.mkDefault 120;
    "net.ipv4.tcp_tw_reuse" = true;
    "vm.swappiness" = config.custom.swappiness;
  };
  boot.kernel.sysctl."net.ipv4.tcp_max_tw_buckets" = 4096;
}

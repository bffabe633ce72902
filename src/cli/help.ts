/** The `cloudbox --help` text (its own module so that commands can print it without a cycle). */
export const HELP = `Usage: cloudbox <command> [options]

Commands:
  start     Serve the AWS APIs on one port (default http://127.0.0.1:4566)
              --port N          port (env CLOUDBOX_PORT; 0 picks a free port)
              --host H          interface to bind (env CLOUDBOX_HOST; default 127.0.0.1)
              --data-dir D      state directory (env CLOUDBOX_DATA_DIR; default ./.cloudbox)
              --ephemeral       keep state in memory only (env CLOUDBOX_EPHEMERAL=1)
              --log-level L     silent|error|warn|info|debug (env CLOUDBOX_LOG_LEVEL; default info)
              --az-pins FILE    JSON: accountId -> output of 'aws ec2 describe-availability-zones'
                                (env CLOUDBOX_AZ_PINS)
              --default-account ID  account for non-12-digit access keys (env CLOUDBOX_DEFAULT_ACCOUNT)
  status    Show whether Cloudbox runs, its version, uptime, memory and services
              --endpoint URL    (env CLOUDBOX_ENDPOINT; default http://127.0.0.1:4566)
              --json            print the raw health document
  reset     Delete all state of a running Cloudbox
              --endpoint URL
  az-map    Show which AZ name each account sees for each AZ ID (cloudbox az-map --help)
  probe     Send one connection through the emulated network and print its path (cloudbox probe --help)
  max-pods  Pods per EKS node for instance types, with the formula's inputs (cloudbox max-pods --help)

Options:
  --help, -h     this text
  --version, -v  the version
`;

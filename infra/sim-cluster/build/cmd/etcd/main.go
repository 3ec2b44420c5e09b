// etcd v3.6 built from the same module graph as the Kubernetes binaries. Debian's etcd-server (3.4.23)
// cannot answer watch-progress requests, so the apiserver refuses the watch-list streams that kwok's
// client asks for and kwok only sees pod changes after relists (tens of seconds).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}

// Host side of `wasi:sockets/*` (network, instance-network, ip-name-lookup,
// tcp, tcp-create-socket, udp, udp-create-socket).
//
// Owns: the network a plugin sees: none. A guest may hold its instance's
// `network` handle (it grants nothing), but creating a TCP or UDP socket and
// resolving a name report `access-denied`, so no socket or lookup ever
// exists and none of their methods can be reached.
// Must never: open a socket or resolve a name. Granting an origin
// (connectors) is a capability of its own, not a switch in this module.

import type * as InstanceNetwork from '@bytecodealliance/preview2-shim/interfaces/wasi-sockets-instance-network';
import type * as IpNameLookup from '@bytecodealliance/preview2-shim/interfaces/wasi-sockets-ip-name-lookup';
import type * as NetworkBindings from '@bytecodealliance/preview2-shim/interfaces/wasi-sockets-network';
import type * as Tcp from '@bytecodealliance/preview2-shim/interfaces/wasi-sockets-tcp';
import type * as TcpCreateSocket from '@bytecodealliance/preview2-shim/interfaces/wasi-sockets-tcp-create-socket';
import type * as Udp from '@bytecodealliance/preview2-shim/interfaces/wasi-sockets-udp';
import type * as UdpCreateSocket from '@bytecodealliance/preview2-shim/interfaces/wasi-sockets-udp-create-socket';

/** A thrown `payload` becomes the `err` of the call's result in the guest. */
function denied(): never {
  throw { payload: 'access-denied' satisfies NetworkBindings.ErrorCode };
}

class Network {}
// Resources that can never be created (their constructors are denied above them).
class TcpSocket {}
class UdpSocket {}
class IncomingDatagramStream {}
class OutgoingDatagramStream {}
class ResolveAddressStream {}

export const socketsImports = {
  network: { Network } as unknown as typeof NetworkBindings,
  instanceNetwork: { instanceNetwork: () => new Network() } as unknown as typeof InstanceNetwork,
  ipNameLookup: { ResolveAddressStream, resolveAddresses: denied } as unknown as typeof IpNameLookup,
  tcp: { TcpSocket } as unknown as typeof Tcp,
  tcpCreateSocket: { createTcpSocket: denied } as unknown as typeof TcpCreateSocket,
  udp: { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream } as unknown as typeof Udp,
  udpCreateSocket: { createUdpSocket: denied } as unknown as typeof UdpCreateSocket,
};

// The lab's embedded configuration: one key server and N group members on loopback.
// Same syntax as examples/*.conf; written out so an operator can copy and edit it.

export function labKsConfig(o: { ksAddress: string }): string {
  return `hostname ks1
crypto key generate rsa general-keys label REKEYRSA modulus 2048
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 19
crypto isakmp key lab-psk address 0.0.0.0 0.0.0.0
crypto ipsec transform-set GDOI-TS esp-aes 256 esp-sha256-hmac
crypto ipsec profile GDOI-P
 set transform-set GDOI-TS
 set security-association lifetime seconds 3600
ip access-list extended ENCPOL
 deny udp any eq 848 any eq 848
 permit ip 10.1.0.0 0.0.255.255 10.2.0.0 0.0.255.255
 permit ip 10.2.0.0 0.0.255.255 10.1.0.0 0.0.255.255
crypto gdoi group GETVPN
 identity number 3333
 server local
  rekey algorithm aes 256
  rekey lifetime seconds 86400
  rekey retransmit 10 number 2
  rekey authentication mypubkey rsa REKEYRSA
  rekey transport unicast
  sa ipsec 1
   profile GDOI-P
   match address ipv4 ENCPOL
   replay counter window-size 64
  address ipv4 ${o.ksAddress}
end
`;
}

export function labGmConfig(o: { name: string; address: string; ksAddress: string }): string {
  return `hostname ${o.name}
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 19
crypto isakmp key lab-psk address ${o.ksAddress}
crypto gdoi group GETVPN
 identity number 3333
 server address ipv4 ${o.ksAddress}
 client registration address ipv4 ${o.address}
crypto map GETVPN-MAP 10 gdoi
 set group GETVPN
end
`;
}

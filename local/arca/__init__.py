"""A local fake of ARCA's WSAA (LoginCms) and WSFEv1 over HTTP SOAP, for development and tests only (never deployed).

`ArcaSimulator` (simulator.py) is the entry point; `python -m local.arca` runs it alone. Modules, one job each:

  server, endpoints, soap, wsdl   HTTP transport, the two SOAP endpoints, envelopes and faults, the served WSDLs
  control                         the /__simulator/ JSON API (faults, settings, vouchers, clock, CSR signing, reset)
  ca, cms, wsaa, tickets          the test CA, CMS verification, loginCms, issued tickets and WSFEv1's token check
  wsfe, wsfe_cae, wsfe_request,   WSFEv1 operations, FECAESolicitar, request parsing, answer writing,
  wsfe_response, tables, ledger   the parameter tables and the numbering/voucher state
  rules                           FECAESolicitar's validation rules (pure)
  faults, settings, clock         injected failures, what the simulated ARCA looks like, the movable clock
"""

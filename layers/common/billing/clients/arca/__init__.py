"""ARCA web services: WSAA (login tickets) and WSFEv1 (electronic vouchers), through zeep."""

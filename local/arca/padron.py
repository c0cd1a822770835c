"""The taxpayer registry: padrón A5 (personaServiceA5, WSAA service ws_sr_constancia_inscripcion) and A13
(personaServiceA13, ws_sr_padron_a13), answering from a registry of test people that tests and the local stack seed.

Written from the WSDLs and the shared README (../shared/arca/wsdl/README.md): token, sign and cuitRepresentada are
plain parameters; refusals are SRValidationException SOAP faults whose text is all the caller gets. Every request is
validated against the WSDL's own schema first (a request zeep would not send is an Unmarshalling Error).
"""

from __future__ import annotations

import copy
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from local.arca.clock import Clock
from local.arca.tickets import TicketBook

A5 = "ws_sr_constancia_inscripcion"
A13 = "ws_sr_padron_a13"
NAMESPACES = {A5: "http://a5.soap.ws.server.puc.sr/", A13: "http://a13.soap.ws.server.puc.sr/"}
FILES = {A5: "padron-a5.wsdl", A13: "padron-a13.wsdl"}  # homologation's
PRODUCTION_FILES = {A5: "padron-a5-production.wsdl", A13: "padron-a13-production.wsdl"}  # only the addresses differ
OPERATIONS = {
    A5: frozenset({"dummy", "getPersona", "getPersona_v2", "getPersonaList", "getPersonaList_v2"}),
    A13: frozenset({"dummy", "getPersona", "getIdPersonaListByDocumento"}),
}
XS = "http://www.w3.org/2001/XMLSchema"
# SRValidationException texts (A5/A13 manuals' wording as other clients report it; verify in homologation).
NOT_FOUND = "No existe persona con ese Id"
NO_DOCUMENT = "No existen personas con ese documento"
NOT_REPRESENTED = "La CUIT representada {cuit} no se corresponde con el token"
TOKEN_PREFIX = "Token invalido: "
UNAVAILABLE = "El servicio se encuentra momentaneamente fuera de servicio"
PROVINCES = {
    0: "CIUDAD AUTONOMA BUENOS AIRES",
    1: "BUENOS AIRES",
    2: "CATAMARCA",
    3: "CORDOBA",
    4: "CORRIENTES",
    5: "ENTRE RIOS",
    6: "JUJUY",
    7: "MENDOZA",
    8: "LA RIOJA",
    9: "SALTA",
    10: "SAN JUAN",
    11: "SAN LUIS",
    12: "SANTA FE",
    13: "SANTIAGO DEL ESTERO",
    14: "TUCUMAN",
    16: "CHACO",
    17: "CHUBUT",
    18: "FORMOSA",
    19: "MISIONES",
    20: "NEUQUEN",
    21: "LA PAMPA",
    22: "RIO NEGRO",
    23: "SANTA CRUZ",
    24: "TIERRA DEL FUEGO",
}
TAXES = {10: "GANANCIAS SOCIEDADES", 11: "GANANCIAS PERSONAS FISICAS", 20: "MONOTRIBUTO", 30: "IVA", 32: "IVA EXENTO"}


class SRValidationException(Exception):
    """A refusal: the fault text is the message."""


@dataclass
class Person:
    """A registry entry, in the registry's own terms."""

    id: int
    tipo_persona: str = "FISICA"  # or JURIDICA
    razon_social: str | None = None
    apellido: str | None = None
    nombre: str | None = None
    estado_clave: str = "ACTIVO"
    direccion: str | None = None
    localidad: str | None = None
    cod_postal: str | None = None
    id_provincia: int | None = None
    impuestos: list[int] = field(default_factory=list)
    categoria_monotributo: str | None = None  # e.g. "D" (datosMonotributo.categoriaMonotributo)
    actividad: tuple[int, str] | None = None  # main activity: (idActividad, descripcionActividad)
    documento: str | None = None  # the DNI A13 finds it by
    error_constancia: list[str] = field(default_factory=list)  # an incomplete record: errorConstancia lines

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Person:
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown taxpayer fields: {', '.join(sorted(unknown))}")
        data = dict(data)
        if data.get("actividad") is not None:
            data["actividad"] = tuple(data["actividad"])
        person = cls(**data)
        if person.tipo_persona not in ("FISICA", "JURIDICA"):
            raise ValueError("tipo_persona is FISICA or JURIDICA")
        return person

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# The test people (README, "ARCA's registry in the simulator"): one of each kind a business meets.
TEST_PEOPLE = [
    Person(
        30711111111, "JURIDICA", razon_social="PROVEEDORA DEL SUR SA", direccion="AV BELGRANO 1500 Piso:3",
        localidad="CIUDAD AUTONOMA BUENOS AIRES", cod_postal="1093", id_provincia=0, impuestos=[10, 30],
        actividad=(620100, "SERVICIOS DE CONSULTORES EN INFORMATICA Y SUMINISTROS DE PROGRAMAS DE INFORMATICA"),
    ),
    Person(
        20246813575, apellido="GOMEZ", nombre="MARIA", direccion="SAN MARTIN 250", localidad="CORDOBA",
        cod_postal="5000", id_provincia=3, impuestos=[20], categoria_monotributo="D",
        actividad=(741000, "SERVICIOS DE DISENO ESPECIALIZADO"), documento="24681357",
    ),
    Person(
        30700012340, "JURIDICA", razon_social="FUNDACION APRENDER", direccion="BV OROÑO 900", localidad="ROSARIO",
        cod_postal="2000", id_provincia=12, impuestos=[32], actividad=(854990, "SERVICIOS DE ENSEÑANZA N.C.P."),
    ),
    Person(
        20301234563, apellido="PEREZ", nombre="JUAN", direccion="CALLE 7 1234", localidad="LA PLATA",
        cod_postal="1900", id_provincia=1, documento="30123456",
    ),
    Person(
        20222222223, apellido="LOPEZ", nombre="CARLOS", estado_clave="INACTIVO", direccion="RIVADAVIA 100",
        localidad="MENDOZA", cod_postal="5500", id_provincia=7, impuestos=[11, 30],
    ),
    Person(
        20333333334, apellido="DIAZ", nombre="ANA",
        error_constancia=["El domicilio fiscal no se encuentra registrado", "La CUIT no registra actividades"],
    ),
]  # fmt: skip


class Registry:
    """The people the registry knows, changeable at any time (the control API's /taxpayers)."""

    def __init__(self, people: list[Person] | None = None) -> None:
        self._lock = threading.Lock()
        self._initial = {person.id: person for person in (people if people is not None else TEST_PEOPLE)}
        self._people = copy.deepcopy(self._initial)

    def add(self, person: Person) -> None:
        with self._lock:
            self._people[person.id] = person

    def get(self, person_id: int) -> Person | None:
        with self._lock:
            return self._people.get(person_id)

    def by_document(self, document: str) -> list[int]:
        with self._lock:
            return sorted(p.id for p in self._people.values() if p.documento and p.documento == document.lstrip("0"))

    def all(self) -> list[Person]:
        with self._lock:
            return sorted(self._people.values(), key=lambda person: person.id)

    def reset(self) -> None:
        with self._lock:
            self._people = copy.deepcopy(self._initial)


def load_schema(wsdl_dir: Path, service: str) -> etree.XMLSchema:
    """The xs:schema inside a padrón WSDL, compiled: requests are validated against it."""
    tree = etree.parse(str(Path(wsdl_dir) / FILES[service]))
    schema = tree.find(f".//{{{XS}}}schema")
    return etree.XMLSchema(copy.deepcopy(schema))


class Padron:
    def __init__(self, wsdl_dir: Path, tickets: TicketBook, clock: Clock, registry: Registry | None = None):
        self.tickets = tickets
        self.clock = clock
        self.registry = registry or Registry()
        self.schemas = {service: load_schema(wsdl_dir, service) for service in (A5, A13)}
        self.calls = 0  # registry calls answered since the last reset (what a cache saves)

    def answer(self, service: str, operation: etree._Element) -> etree._Element:
        """The <{operation}Response> element, or SRValidationException."""
        name = etree.QName(operation).localname
        self._validate(service, operation)
        self.calls += 1
        namespace = NAMESPACES[service]
        response = etree.Element(f"{{{namespace}}}{name}Response", nsmap={"ns2": namespace})
        if name == "dummy":
            answer = etree.SubElement(response, "return")
            for server in ("appserver", "authserver", "dbserver"):
                etree.SubElement(answer, server).text = "OK"
            return response
        values = {child.tag: (child.text or "").strip() for child in operation}
        self._check_ticket(service, values)
        if service == A13 and name == "getIdPersonaListByDocumento":
            ids = self.registry.by_document(values["documento"])
            if not ids:
                raise SRValidationException(NO_DOCUMENT)
            result = etree.SubElement(response, "idPersonaListReturn")
            for person_id in ids:
                etree.SubElement(result, "idPersona").text = str(person_id)
            result.append(self._metadata())
            return response
        if name in ("getPersonaList", "getPersonaList_v2"):
            result = etree.SubElement(response, "personaListReturn")
            result.append(self._metadata())
            for child in operation.findall("idPersona"):
                person = self.registry.get(int(child.text))
                if person is not None:
                    result.append(self._a5_persona(person, "persona"))
            return response
        person = self.registry.get(int(values["idPersona"]))
        if person is None:
            raise SRValidationException(NOT_FOUND)
        if service == A5:
            persona = self._a5_persona(person, "personaReturn")
            persona.append(self._metadata())
            response.append(persona)
        else:
            result = etree.SubElement(response, "personaReturn")
            result.append(self._metadata())
            result.append(self._a13_persona(person))
        return response

    def _validate(self, service: str, operation: etree._Element) -> None:
        schema = self.schemas[service]
        if not schema.validate(etree.ElementTree(copy.deepcopy(operation))):
            raise SRValidationException(f"Unmarshalling Error: {schema.error_log.last_error.message}")

    def _check_ticket(self, service: str, values: dict[str, str]) -> None:
        try:
            represented = int(values.get("cuitRepresentada") or 0)
        except ValueError:
            represented = 0
        problem = self.tickets.problem(values.get("token"), values.get("sign"), represented, self.clock.now(), service)
        if problem is None:
            return
        if "relaciones" in problem:
            raise SRValidationException(NOT_REPRESENTED.format(cuit=represented))
        raise SRValidationException(TOKEN_PREFIX + problem)

    def _metadata(self) -> etree._Element:
        metadata = etree.Element("metadata")
        etree.SubElement(metadata, "fechaHora").text = self.clock.now_argentina().isoformat(timespec="milliseconds")
        etree.SubElement(metadata, "servidor").text = "arca-sim.local"
        return metadata

    @staticmethod
    def _a5_persona(person: Person, tag: str) -> etree._Element:
        persona = etree.Element(tag)
        if person.error_constancia:  # an incomplete record: no constancia, only who it is and why
            error = etree.SubElement(persona, "errorConstancia")
            _text(error, "apellido", person.apellido or person.razon_social)
            for line in person.error_constancia:
                etree.SubElement(error, "error").text = line
            _text(error, "idPersona", person.id)
            _text(error, "nombre", person.nombre)
            return persona
        general = etree.SubElement(persona, "datosGenerales")
        _text(general, "apellido", person.apellido)
        if person.direccion:
            domicile = etree.SubElement(general, "domicilioFiscal")
            _text(domicile, "codPostal", person.cod_postal)
            _text(domicile, "descripcionProvincia", PROVINCES.get(person.id_provincia))
            _text(domicile, "direccion", person.direccion)
            _text(domicile, "idProvincia", person.id_provincia)
            _text(domicile, "localidad", person.localidad)
            _text(domicile, "tipoDomicilio", "FISCAL")
        _text(general, "estadoClave", person.estado_clave)
        _text(general, "idPersona", person.id)
        _text(general, "nombre", person.nombre)
        _text(general, "razonSocial", person.razon_social)
        _text(general, "tipoClave", "CUIT")
        _text(general, "tipoPersona", person.tipo_persona)
        monotributo = 20 in person.impuestos or person.categoria_monotributo
        if monotributo:
            data = etree.SubElement(persona, "datosMonotributo")
            if person.actividad:
                activity = etree.SubElement(data, "actividadMonotributista")
                _text(activity, "descripcionActividad", person.actividad[1])
                _text(activity, "idActividad", person.actividad[0])
                _text(activity, "nomenclador", 883)
                _text(activity, "orden", 1)
                _text(activity, "periodo", 202001)
            category = etree.SubElement(data, "categoriaMonotributo")
            _text(category, "descripcionCategoria", f"{person.categoria_monotributo or 'A'} LOCACIONES DE SERVICIO")
            _text(category, "idCategoria", ord((person.categoria_monotributo or "A")[0]) - 64)
            _text(category, "idImpuesto", 20)
            _text(category, "periodo", 202001)
            _tax(data, 20)
        general_taxes = [tax for tax in person.impuestos if tax != 20]
        if general_taxes or (person.actividad and not monotributo):
            regimen = etree.SubElement(persona, "datosRegimenGeneral")
            if person.actividad and not monotributo:
                activity = etree.SubElement(regimen, "actividad")
                _text(activity, "descripcionActividad", person.actividad[1])
                _text(activity, "idActividad", person.actividad[0])
                _text(activity, "nomenclador", 883)
                _text(activity, "orden", 1)
                _text(activity, "periodo", 202001)
            for tax in general_taxes:
                _tax(regimen, tax)
        elif not monotributo:
            error = etree.SubElement(persona, "errorRegimenGeneral")
            etree.SubElement(error, "error").text = "La CUIT no registra impuestos activos en el Régimen General"
            _text(error, "mensaje", "No registra impuestos activos")
        return persona

    @staticmethod
    def _a13_persona(person: Person) -> etree._Element:
        persona = etree.Element("persona")
        _text(persona, "apellido", person.apellido)
        if person.actividad:
            _text(persona, "descripcionActividadPrincipal", person.actividad[1])
        if person.direccion:
            domicile = etree.SubElement(persona, "domicilio")
            _text(domicile, "codigoPostal", person.cod_postal)
            _text(domicile, "descripcionProvincia", PROVINCES.get(person.id_provincia))
            _text(domicile, "direccion", person.direccion)
            _text(domicile, "idProvincia", person.id_provincia)
            _text(domicile, "localidad", person.localidad)
            _text(domicile, "tipoDomicilio", "FISCAL")
        _text(persona, "estadoClave", person.estado_clave)
        if person.actividad:
            _text(persona, "idActividadPrincipal", person.actividad[0])
        _text(persona, "idPersona", person.id)
        _text(persona, "nombre", person.nombre)
        _text(persona, "numeroDocumento", person.documento)
        _text(persona, "razonSocial", person.razon_social)
        _text(persona, "tipoClave", "CUIT")
        _text(persona, "tipoDocumento", "DNI" if person.documento else None)
        _text(persona, "tipoPersona", person.tipo_persona)
        return persona


def _text(parent: etree._Element, tag: str, value: Any) -> None:
    if value is not None and value != "":
        etree.SubElement(parent, tag).text = str(value)


def _tax(parent: etree._Element, tax_id: int) -> None:
    tax = etree.SubElement(parent, "impuesto")
    _text(tax, "descripcionImpuesto", TAXES.get(tax_id, f"IMPUESTO {tax_id}"))
    _text(tax, "idImpuesto", tax_id)
    _text(tax, "periodo", 202001)

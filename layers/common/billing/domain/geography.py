"""Argentine provinces by ISO 3166-2:AR code, with ARCA's province numbers."""

from enum import StrEnum


class Province(StrEnum):
    CABA = "AR-C"
    BUENOS_AIRES = "AR-B"
    CATAMARCA = "AR-K"
    CHACO = "AR-H"
    CHUBUT = "AR-U"
    CORDOBA = "AR-X"
    CORRIENTES = "AR-W"
    ENTRE_RIOS = "AR-E"
    FORMOSA = "AR-P"
    JUJUY = "AR-Y"
    LA_PAMPA = "AR-L"
    LA_RIOJA = "AR-F"
    MENDOZA = "AR-M"
    MISIONES = "AR-N"
    NEUQUEN = "AR-Q"
    RIO_NEGRO = "AR-R"
    SALTA = "AR-A"
    SAN_JUAN = "AR-J"
    SAN_LUIS = "AR-D"
    SANTA_CRUZ = "AR-Z"
    SANTA_FE = "AR-S"
    SANTIAGO_DEL_ESTERO = "AR-G"
    TIERRA_DEL_FUEGO = "AR-V"
    TUCUMAN = "AR-T"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Province.CABA: "Ciudad Autónoma de Buenos Aires",
    Province.BUENOS_AIRES: "Buenos Aires",
    Province.CATAMARCA: "Catamarca",
    Province.CHACO: "Chaco",
    Province.CHUBUT: "Chubut",
    Province.CORDOBA: "Córdoba",
    Province.CORRIENTES: "Corrientes",
    Province.ENTRE_RIOS: "Entre Ríos",
    Province.FORMOSA: "Formosa",
    Province.JUJUY: "Jujuy",
    Province.LA_PAMPA: "La Pampa",
    Province.LA_RIOJA: "La Rioja",
    Province.MENDOZA: "Mendoza",
    Province.MISIONES: "Misiones",
    Province.NEUQUEN: "Neuquén",
    Province.RIO_NEGRO: "Río Negro",
    Province.SALTA: "Salta",
    Province.SAN_JUAN: "San Juan",
    Province.SAN_LUIS: "San Luis",
    Province.SANTA_CRUZ: "Santa Cruz",
    Province.SANTA_FE: "Santa Fe",
    Province.SANTIAGO_DEL_ESTERO: "Santiago del Estero",
    Province.TIERRA_DEL_FUEGO: "Tierra del Fuego, Antártida e Islas del Atlántico Sur",
    Province.TUCUMAN: "Tucumán",
}

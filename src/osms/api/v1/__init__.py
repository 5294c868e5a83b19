"""The REST API, version 1 (mounted at ``/api/v1``).

=====================================================  ==================================
route                                                  scope
=====================================================  ==================================
``GET  /status/{iin}``                                 public (``as_of``: ``status:read``)
``GET  /calculator/{iin}``                             public
``GET  /amounts?kind=&year=&income=``                  public
``GET  /penalty?arrears=&period=&paid_on=``             public
``GET  /persons/{iin}/status``                         ``status:read`` + ``history:read``
``GET  /persons/{iin}/payments``                       ``history:read``
``GET  /persons/{iin}/debts``                          ``history:read``
``GET  /persons/{iin}/calculator``                     ``status:read``
``POST /registers``                                    ``registers:write``
``GET  /registers/{id}/lines?offset=&limit=``           ``registers:write`` (its own), ``operator``
``POST /temporary-applications[/{id}/approve|refuse]``  ``operator``
``POST /refund-applications[/{id}/approve|refuse]``     ``operator``
``GET  /refund-applications?overdue=``                 ``operator``
``GET  /refund-applications/{id}/effect``              ``operator``
=====================================================  ==================================
"""

from fastapi import APIRouter

from osms.api.v1 import amounts, operators, persons, registers, status

__all__ = ["router"]

router = APIRouter()
router.include_router(status.router)
router.include_router(persons.router)
router.include_router(registers.router)
router.include_router(operators.router)
router.include_router(amounts.router)

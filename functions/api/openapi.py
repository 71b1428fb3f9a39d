"""Prints the OpenAPI document the API serves at GET /openapi.json (`make openapi`)."""

from functions.api.app import openapi_document

if __name__ == "__main__":
    print(openapi_document())

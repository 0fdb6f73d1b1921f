"""Server-rendered pages for the three kinds of users. They sit above every layer: they call
the services and selectors of inventory, requests and distribution, never the models' writes."""

<?xml version="1.0" encoding="UTF-8"?>
<!-- edgeprov sample for the Default engine: Htek cfg00NN.xml (the per-model common file, asked
     before cfg<mac>.xml). It is the same file for every phone of the model, so it uses only site
     values: no accounts, no secrets. -->
<hl_provision version="1">
<config version="1">
<P30 para="NTPServer">{{site.ntp_server}}</P30>
<P64 para="TimeZone">{{site.timezone}}</P64>
</config>
</hl_provision>

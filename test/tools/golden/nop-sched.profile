FUNCTION    COUNT      TOTAL(us)       SELF(us)      AVG(us)      MIN(us)      MAX(us)
-------- -------- -------------- -------------- ------------ ------------ ------------
